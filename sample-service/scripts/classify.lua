-- wrk script: POST classification requests, cycling through a few real-looking texts.
local texts = {
  "a domesticated carnivorous mammal that barks",
  "a sweet red fruit that grows on trees",
  "a person who plays the violin in an orchestra",
  "a vehicle with four wheels driven by an engine",
  "a building where people pray",
  "to move quickly on foot",
  "a large body of salt water",
  "an instrument for measuring temperature",
}
local i = 0
request = function()
  i = i + 1
  local body = '{"text": "' .. texts[(i % #texts) + 1] .. '", "k": 5}'
  return wrk.format("POST", "/v1/models/wordnet/classify", {["Content-Type"] = "application/json"}, body)
end
dofile("sample-service/scripts/result.lua")
