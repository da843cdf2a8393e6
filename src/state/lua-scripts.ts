/**
 * The Redis store's atomic operations, one Lua script each (a script runs without any
 * other command interleaving, so two instances can never both take the last unit).
 * Numbers travel as strings: Redis truncates Lua numbers in replies to integers, and
 * '%.17g' round-trips a double exactly.
 */

/** KEYS[1]; ARGV: by, ttlMs ('' = none). Adds; a key created here gets the TTL. */
export const INCREMENT = `
local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if existed == 0 and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

/**
 * A breaker's bookkeeping for one outcome in one round trip. KEYS: requests and failures
 * of the current bucket, of the previous bucket, consecutive failures. ARGV: failed
 * ('1'/'0'), bucket TTL. Reply: requests, failures, previous requests, previous
 * failures, consecutive failures.
 */
export const RECORD_OUTCOME = `
local req = redis.call('INCR', KEYS[1])
if req == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local fail
if ARGV[1] == '1' then
  fail = redis.call('INCR', KEYS[2])
  if fail == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
else
  fail = tonumber(redis.call('GET', KEYS[2]) or '0')
end
local consec = 0
if ARGV[1] == '1' then consec = redis.call('INCR', KEYS[5]) else redis.call('SET', KEYS[5], '0') end
return { tostring(req), tostring(fail), redis.call('GET', KEYS[3]) or '0', redis.call('GET', KEYS[4]) or '0', tostring(consec) }`;

/** KEYS[1]; ARGV: by, limit, ttlMs, admitWhenEmpty ('1'/'0'). New value, or nil when refused. */
export const TAKE_WITHIN = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local by = tonumber(ARGV[1])
if cur + by > tonumber(ARGV[2]) and not (ARGV[4] == '1' and cur <= 0) then return false end
local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if existed == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return v`;

/**
 * Outstanding reservations live in a sorted set per window (member `<id>:<amount>`,
 * score = its expiry), and the window's reserved total — a plain number at the reserved
 * key, for reads — is recomputed from the live members each time. So every reservation
 * expires on its own (a new one never extends an old one), and one that Redis applied
 * after the client had given up can be released by id, or expires.
 *
 * KEYS: per window its spent keys, its reserved key, its reservation set. ARGV: amount,
 * reservation TTL, now (epoch ms), member, then per window: number of spent keys, limit.
 * Reply: ok ('1'/'0'), then spent and reserved per window (before this request).
 */
export const RESERVE_BUDGET = `
local amount = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local member = ARGV[4]
local nw = (#ARGV - 4) / 2
local k = 1
local out = {}
local reservedKeys = {}
local setKeys = {}
local totals = {}
local ok = true
for w = 1, nw do
  local n = tonumber(ARGV[3 + 2 * w])
  local limit = tonumber(ARGV[4 + 2 * w])
  local spent = 0
  for i = 1, n do
    spent = spent + tonumber(redis.call('GET', KEYS[k]) or '0')
    k = k + 1
  end
  local rk = KEYS[k]
  local zk = KEYS[k + 1]
  k = k + 2
  redis.call('ZREMRANGEBYSCORE', zk, '-inf', now)
  local reserved = 0
  for _, m in ipairs(redis.call('ZRANGE', zk, 0, -1)) do
    reserved = reserved + (tonumber(string.match(m, ':([^:]*)$')) or 0)
  end
  reservedKeys[w] = rk
  setKeys[w] = zk
  totals[w] = reserved
  if spent + reserved + amount > limit then ok = false end
  out[#out + 1] = string.format('%.17g', spent)
  out[#out + 1] = string.format('%.17g', reserved)
end
if ok then
  for w = 1, nw do
    redis.call('ZADD', setKeys[w], now + ttl, member)
    redis.call('PEXPIRE', setKeys[w], ttl)
    redis.call('SET', reservedKeys[w], string.format('%.17g', totals[w] + amount), 'PX', ttl)
  end
end
table.insert(out, 1, ok and '1' or '0')
return out`;

/**
 * KEYS: per window its reserved key, its spend key and its reservation set. ARGV:
 * reserved amount, actual spend, now, member ('' for a reservation made without one),
 * then per window the spend key's TTL. Releasing a member that is not there (never
 * applied, or already expired) changes nothing.
 */
export const SETTLE_BUDGET = `
local amount = tonumber(ARGV[1])
local actual = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local member = ARGV[4]
for w = 1, #KEYS / 3 do
  local rk = KEYS[3 * w - 2]
  local sk = KEYS[3 * w - 1]
  local zk = KEYS[3 * w]
  if member ~= '' or amount ~= 0 then
    if member ~= '' then
      redis.call('ZREM', zk, member)
    else
      -- No id (a caller of the older interface): release one reservation of that amount.
      for _, m in ipairs(redis.call('ZRANGE', zk, 0, -1)) do
        if string.match(m, ':([^:]*)$') == ARGV[1] then
          redis.call('ZREM', zk, m)
          break
        end
      end
    end
    redis.call('ZREMRANGEBYSCORE', zk, '-inf', now)
    local reserved = 0
    for _, m in ipairs(redis.call('ZRANGE', zk, 0, -1)) do
      reserved = reserved + (tonumber(string.match(m, ':([^:]*)$')) or 0)
    end
    if reserved == 0 then redis.call('DEL', rk) else redis.call('SET', rk, string.format('%.17g', reserved), 'KEEPTTL') end
  end
  if actual ~= 0 then
    local existed = redis.call('EXISTS', sk)
    redis.call('INCRBYFLOAT', sk, ARGV[2])
    if existed == 0 then redis.call('PEXPIRE', sk, ARGV[4 + w]) end
  end
end
return 1`;
