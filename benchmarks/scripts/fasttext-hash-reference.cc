// Independent reference for sdk-core's FastTextHashingTest: prints, for each token given on the command
// line, fastText's token hash (FNV-1a over the bytes as *signed* chars, as fastText 0.9.2 computes it) and,
// for each adjacent pair, the word-bigram bucket modulo 2,000,000 with the hash widened from int32 to
// uint64 as fastText's addWordNgrams does. Built with the C++ compiler, so char signedness and integer
// conversions follow C++ rules rather than Kindling's Java code.
//   g++ -O1 -o /tmp/hashref benchmarks/scripts/fasttext-hash-reference.cc && /tmp/hashref café 日本 a
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

static uint32_t tokenHash(const char* s) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < std::strlen(s); i++) {
    int8_t c = static_cast<int8_t>(s[i]);
    h ^= static_cast<uint32_t>(c);
    h *= 16777619u;
  }
  return h;
}

int main(int argc, char** argv) {
  std::vector<int32_t> hashes;
  for (int a = 1; a < argc; a++) {
    uint32_t h = tokenHash(argv[a]);
    hashes.push_back(static_cast<int32_t>(h));
    std::printf("hash %s %u\n", argv[a], h);
  }
  const uint64_t buckets = 2000000;
  for (size_t i = 0; i + 1 < hashes.size(); i++) {
    uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(hashes[i]));
    h = h * 116049371u + static_cast<uint64_t>(static_cast<int64_t>(hashes[i + 1]));
    std::printf("bigram %s %s %llu\n", argv[i + 1], argv[i + 2], static_cast<unsigned long long>(h % buckets));
  }
  return 0;
}
