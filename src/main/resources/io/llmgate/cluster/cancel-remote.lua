-- Routes a cancel to the node running the stream. KEYS[1]: the user's slots (session id -> node id).
-- ARGV[1] session id, ARGV[2] this node's id, ARGV[3] the prefix of nodes' cancel channels, ARGV[4] the
-- message, ARGV[5] the prefix of node presence keys, ARGV[6] the prefix of nodes' pending-cancel sets,
-- ARGV[7] how long a pending cancel is kept (ms). Returns 1 when the running node got it, or will: a live
-- node that is not subscribed right now (its connection to Redis dropped) finds it in its pending set when
-- it subscribes again. 0 when no other node runs the stream, or its node is dead.
local node = redis.call('HGET', KEYS[1], ARGV[1])
if not node or node == ARGV[2] then
  return 0
end
if redis.call('PUBLISH', ARGV[3] .. node, ARGV[4]) > 0 then
  return 1
end
if redis.call('EXISTS', ARGV[5] .. node) == 0 then
  return 0
end
redis.call('SADD', ARGV[6] .. node, ARGV[4])
redis.call('PEXPIRE', ARGV[6] .. node, ARGV[7])
return 1
