/** The accounts' AAD contexts; defined with every other context in crypto/contexts. */
export { inviteKeyContext, sessionKeyContext, stripeKeyContext, tokenKeyContext, userKeyContext } from '../crypto/contexts';
