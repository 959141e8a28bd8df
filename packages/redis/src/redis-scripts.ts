/**
 * Compare-and-set of a token record, atomic in Redis. KEYS[1] the record; ARGV[1] the JSON; ARGV[2] its `issuedAt`
 * (empty: write unconditionally); ARGV[3] when Redis drops the record, epoch ms (empty: never).
 * A record issued later than the incoming one stays: a writer that renewed earlier but stored late must not put an older
 * token (and an already rotated refresh token) back. A stored value that is not a JSON object is overwritten.
 * Returns 1 when written, 0 when the stored record is newer.
 */
export const compareAndSetScript = `
local incoming = tonumber(ARGV[2])
if incoming then
  local current = redis.call('GET', KEYS[1])
  if current then
    local ok, record = pcall(cjson.decode, current)
    if ok and type(record) == 'table' then
      local stored = tonumber(record['issuedAt'])
      if stored and stored > incoming then return 0 end
    end
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
