/**
 * Compare-and-set of a token record, atomic in Redis. KEYS[1] the record; ARGV[1] the JSON; ARGV[2] its `issuedAt`
 * (empty: write unconditionally); ARGV[3] when Redis drops the record, epoch ms (empty: never).
 * A record issued later than the incoming one stays: a writer that renewed earlier but stored late must not put an older
 * token (and an already rotated refresh token) back. Only a record whose tokens can be used is kept that way, by core's
 * rules (parse-token-set.ts): an access token of RFC 6750 characters, a printable refresh token or none, both at most
 * 16384 characters, and a finite numeric `issuedAt`. Anything else at the key is overwritten, so it never outlives the
 * next write: a key of another Redis type (`GET` fails with WRONGTYPE, which `pcall` returns as a table), text that is
 * not JSON, a record without a numeric `issuedAt`, an access token with CR/LF... (The other fields are left to the
 * TokenManager, which ignores such a record when it reads it; the size budget keeps this script short.)
 * Returns 1 when written, 0 when the stored record is newer.
 */
export const compareAndSetScript = `
local function token(v, pattern) return type(v) == 'string' and #v <= 16384 and v:find(pattern) ~= nil end
local incoming = tonumber(ARGV[2])
if incoming then
  local current = redis.pcall('GET', KEYS[1])
  if type(current) == 'string' then
    local ok, r = pcall(cjson.decode, current)
    if ok and type(r) == 'table' and token(r.accessToken, '^[A-Za-z0-9%-._~+/=]+$')
      and (r.refreshToken == nil or r.refreshToken == cjson.null or token(r.refreshToken, '^[ -~]+$'))
      and type(r.issuedAt) == 'number' and r.issuedAt > incoming and r.issuedAt < math.huge then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1])
local expireAt = tonumber(ARGV[3])
if expireAt then redis.call('PEXPIREAT', KEYS[1], expireAt) end
return 1
`;

/** Deletes the lease KEYS[1] only while it still holds the owner's fencing value ARGV[1]. Returns 1 when released. */
export const releaseLeaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Sets the lease KEYS[1] to expire ARGV[2] ms from now, only while it still holds the owner's fencing value ARGV[1].
 * Returns 1 when extended, 0 when the lease is gone or another owner's.
 */
export const extendLeaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
