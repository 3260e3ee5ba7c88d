/**
 * A stateful Square stand-in for tests: the real `square` SDK talks to it over HTTP.
 *
 *   const square = await startSquareStandin();
 *   square.addSeller({ accessToken, locationId, notificationUrl: `${publicUrl}/payment/webhook` });
 *   // the app: SQUARE_API_BASE=square.baseUrl
 */
export { type ApiCall, type Delivery, type Paid, type PayOptions, squareSignature, SquareStandin, startSquareStandin } from './server';
export type { Seller, SellerOptions } from './store';
