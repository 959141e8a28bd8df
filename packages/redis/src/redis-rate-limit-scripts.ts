/**
 * One acquisition of the fleet's rate limit, atomic in Redis: GCRA (the generic cell rate algorithm) on Redis' own
 * clock (`TIME`), so the processes' clocks never need to agree. KEYS[1] is a hash holding `tat` (the theoretical
 * arrival time of the next request) and `pause` (no slot before it), KEYS[2] a sorted set of the processes seen lately
 * (both share one hash tag, so they live on one Cluster node). ARGV: [1] the interval between slots, [2] the burst
 * tolerance ((burst - 1) × interval), [3] the longest wait of the caller a slot is reserved for (-1: any; empty:
 * reserve none), [4] this process's id, [5] how long a process counts as present without acquiring, [6] 1 to confirm
 * the slot the process holds and is about to use (it is void when a pause began since it was reserved); all times in
 * microseconds.
 *
 * A reserved slot is the earliest time the GCRA allows and the pause has passed; when it is further away than the
 * caller can wait, nothing is reserved. Returns { 1 confirmed | 0 paused, 1 reserved | 0 refused, wait until the slot
 * (µs), processes present, pause left (µs) }. Times are stored as whole microseconds written out in full (a Lua number
 * would be shortened).
 */
export const acquireRateLimitScript = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval, tolerance, maxWait, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'tat', 'pause')
local tat = tonumber(state[1]) or 0
local pause = tonumber(state[2]) or 0
redis.call('ZADD', KEYS[2], now, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now - window))
redis.call('PEXPIRE', KEYS[2], math.ceil(window / 1000))
local processes = redis.call('ZCARD', KEYS[2])
local confirmed = 1
if ARGV[6] == '1' and now < pause then confirmed = 0 end
local granted, wait = 0, 0
if maxWait then
  local at = math.max(now, tat - tolerance, pause)
  wait = at - now
  if maxWait < 0 or wait <= maxWait then
    granted = 1
    tat = math.floor(math.max(tat, at) + interval)
    redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat))
    redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(tat, pause) - now) / 1000) + 1000)
  end
end
return { confirmed, granted, math.ceil(wait), processes, math.ceil(math.max(pause - now, 0)) }
`;

/**
 * Pauses the fleet's rate limit, atomic in Redis: KEYS[1] the limiter's hash, ARGV[1] the pause in milliseconds from
 * Redis' now. A pause ending earlier than the one stored changes nothing. Returns 1 when the pause was extended.
 */
export const pauseRateLimitScript = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local untilUs = now + math.floor(tonumber(ARGV[1]) * 1000)
local state = redis.call('HMGET', KEYS[1], 'tat', 'pause')
if untilUs <= (tonumber(state[2]) or 0) then return 0 end
redis.call('HSET', KEYS[1], 'pause', string.format('%.0f', untilUs))
redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(untilUs, tonumber(state[1]) or 0) - now) / 1000) + 1000)
return 1
`;
