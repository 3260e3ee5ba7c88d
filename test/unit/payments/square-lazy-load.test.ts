/**
 * The Square SDK costs ~0.7 s and ~75 MB to load: an install whose organisers never use Square
 * must not pay for it at start-up. A stand-in module that throws when loaded shows when it is.
 */
describe('the Square SDK is loaded lazily', () => {
  afterEach(() => jest.resetModules());

  it('is not loaded by wiring the app, only by the first Square gateway', () => {
    jest.isolateModules(() => {
      jest.doMock('square', () => {
        throw new Error('square SDK loaded');
      });
      expect(() => require('../../../src/app/services')).not.toThrow();
      const { SquareGateway } = require('../../../src/payments/square-gateway') as typeof import('../../../src/payments/square-gateway');
      expect(() => new SquareGateway({ accessToken: 'EAAA-test', locationId: 'L1', sandbox: true, signatureKey: 'k', phonePrefix: '44' } as never, 'http://127.0.0.1:1')).toThrow('square SDK loaded');
    });
  });
});
