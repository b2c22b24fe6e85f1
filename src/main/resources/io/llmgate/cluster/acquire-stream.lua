-- Takes one of a user's concurrent-stream slots, shared by every node.
-- KEYS[1]: the user's slots (a hash of session id -> node id). ARGV[1] session id, ARGV[2] this node's id,
-- ARGV[3] the cap, ARGV[4] the prefix of node presence keys, ARGV[5] the hash's idle expiry in ms.
-- A slot whose node's presence key has expired belongs to a dead node and is dropped here, so a node that
-- died mid-stream holds its users' slots no longer than its presence TTL.
-- Returns {'ok'}, {'duplicate'} or {'full', running}.
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
