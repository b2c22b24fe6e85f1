-- One user's message rate, shared by every node (after token-bucket.lua): KEYS[1] the user's bucket,
-- ARGV[1] its capacity (messages), ARGV[2] the window in ms. Returns 1 admitted, 0 refused.
if take(KEYS[1], ARGV[1], ARGV[2]) then
  return 1
end
return 0
