-- Gives back a stream slot this node took. KEYS[1]: the user's slots (session id -> node id). ARGV[1]
-- session id, ARGV[2] this node's id. Only this node's slot goes: a release retried after a start whose
-- answer timed out must not free the slot of a stream another node runs under the same id.
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
