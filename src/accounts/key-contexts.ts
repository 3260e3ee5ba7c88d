// The accounts' AAD contexts live with every other context in crypto/contexts.ts.
export { inviteKeyContext, sessionKeyContext, squareSignatureKeyContext, squareTokenContext, stripeKeyContext, tokenKeyContext, userKeyContext } from '../crypto/contexts';
