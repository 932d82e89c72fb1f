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
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.1f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors_status=%d errors_socket=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
