// BullMQ forbids ':' in queue names and job ids, and integer-looking job ids.

/** Encodes a name or id for BullMQ: `%` and `:` escaped. */
export const escapeColon = (text: string) => text.replaceAll('%', '%25').replaceAll(':', '%3A');

/** Reverses `escapeColon`. */
export const unescapeColon = (text: string) => text.replaceAll('%3A', ':').replaceAll('%25', '%');

/** The BullMQ job id of a queue job id. */
export const toBullId = (id: string) => `id-${escapeColon(id)}`;

/** The queue job id of a BullMQ job id. */
export const fromBullId = (bullId: string) => unescapeColon(bullId.slice(3));
