// What a secret name is: "/"-separated segments of letters, digits, ".", "_" and "-" (tls.crt,
// deploy/key). The zod schemas of the tools' arguments, so a bad name is refused by the SDK's
// input validation before the tool runs.
const z = require('zod/v4');

const SEGMENTS = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const SHAPE = 'a secret name is "/"-separated segments of letters, digits, ".", "_" and "-"';
const isDotSegment = (segment) => segment === '.' || segment === '..';

/** The schema of a secret's name; with `allowDotSegments` (the dot-segments flaw) the regex alone. */
function secretName({ allowDotSegments = false } = {}) {
  const shaped = z.string().regex(SEGMENTS, SHAPE);
  if (allowDotSegments) return shaped;
  return shaped.refine((name) => !name.split('/').some(isDotSegment), 'a secret name has no "." or ".." segment');
}

/** A folder to list: empty (the client's whole keyring) or a name, with or without a trailing "/". */
function folderName(options) {
  const name = secretName(options);
  return z.string().refine((folder) => folder === '' || name.safeParse(folder.replace(/\/$/, '')).success, SHAPE);
}

module.exports = { secretName, folderName };
