-- wrk script: POST classify requests for a synthetic model (benchmarks' SyntheticModels): texts of 3-6 words of one
-- topic (words w<t>, w<t+T>, w<t+2T>, ... belong to topic t of T = TOPICS, from the environment). Same RESULT line as
-- classify.lua.
local topics = tonumber(os.getenv("TOPICS") or "142")
local words = 50000
math.randomseed(11)
request = function()
  local t = math.random(0, topics - 1)
  local n = math.random(3, 6)
  local text = {}
  for i = 1, n do
    text[i] = "w" .. (t + topics * math.random(0, math.floor((words - 1 - t) / topics)))
  end
  local body = '{"text": "' .. table.concat(text, " ") .. '", "k": 5}'
  return wrk.format("POST", "/v1/models/wordnet/classify", {["Content-Type"] = "application/json"}, body)
end
dofile("sample-service/scripts/result.lua")
