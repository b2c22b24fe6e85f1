-- Routes a cancel to the node running the stream. KEYS[1]: the user's slots (session id -> node id).
-- ARGV[1] session id, ARGV[2] this node's id, ARGV[3] the prefix of nodes' cancel channels, ARGV[4] the
-- message. Returns how many nodes received it: 0 when no other node runs the stream (or it is dead).
local node = redis.call('HGET', KEYS[1], ARGV[1])
if not node or node == ARGV[2] then
  return 0
end
return redis.call('PUBLISH', ARGV[3] .. node, ARGV[4])
