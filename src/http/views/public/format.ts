/** Display formats of the public pages (en-GB wording, in the organiser's time zone). */

export { formatDay, formatEventDate } from '../../../lib/display-dates';

/** Messages from zod and the booking rules start in lower case; pages show sentences. */
export const sentence = (s: string): string => (s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1));

/** Keeps `?iframe=true` on links and form actions of embedded pages. */
export const withEmbed = (path: string, embed: boolean): string => (embed ? `${path}${path.includes('?') ? '&' : '?'}iframe=true` : path);
