-- A stream's start, shared by every node, in one round trip (after token-bucket.lua): the start message
-- counted against the user's message rate, then one of the user's concurrent-stream slots taken. Atomic,
-- so two nodes never both take the last slot, and nothing is taken when refused.
-- KEYS[1]: the user's slots (a hash of session id -> node id); KEYS[2], when given: the user's token bucket
-- (without it the rate is not checked here).
-- ARGV[1] session id, ARGV[2] this node's id, ARGV[3] the cap, ARGV[4] the prefix of node presence keys,
-- ARGV[5] the slots' idle expiry in ms, ARGV[6] the bucket's capacity (messages), ARGV[7] the window in ms
-- over which an empty bucket refills.
-- Returns {'ok'}, {'rate'} (over the message rate: no token, no slot), {'duplicate'} or {'full', running}:
-- the last two count the message, as a refused message counts on one node, but take no slot.
if #KEYS == 2 and not take(KEYS[2], ARGV[6], ARGV[7]) then
  return {'rate'}
end
-- A slot whose node's presence key has expired belongs to a dead node and is dropped here, so a node that
-- died mid-stream holds its users' slots no longer than its presence TTL.
local slots = redis.call('HGETALL', KEYS[1])
local running = 0
for i = 1, #slots, 2 do
  if redis.call('EXISTS', ARGV[4] .. slots[i + 1]) == 1 then
    running = running + 1
  else
    redis.call('HDEL', KEYS[1], slots[i])
  end
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return {'duplicate'}
end
if running >= tonumber(ARGV[3]) then
  return {'full', running}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {'ok'}
