// The SHA-256 block compression on the x86 SHA extensions. Only the function
// that uses them is compiled for them (target attribute), so the rest of the
// build keeps the baseline x86_64 ISA; scc::Sha256 calls it only on a CPU that
// glibc's CPUID record says has them.
//
// How the instructions hold the state and the schedule:
//   sha256rnds2(cdgh, abef, wk): two rounds. The 32-bit lanes, highest first,
//     are {A,B,E,F} and {C,D,G,H}; wk's two lowest lanes are W[t]+K[t] and
//     W[t+1]+K[t+1]. It returns the new {A,B,E,F}; the new {C,D,G,H} is the old
//     {A,B,E,F}, so alternating the two registers' roles needs no moves.
//   sha256msg1(W[t..t+3], W[t+4..t+7]): W[i] + sigma0(W[i+1]) for i = t..t+3.
//   sha256msg2(x, W[t+12..t+15]): W[t+16..t+19], given x = msg1(...) plus
//     W[t+9..t+12]; it adds the sigma1 terms, the last two of which come from
//     the two words it computes itself.
#include "sha256_compress.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#if __has_include(<sys/platform/x86.h>)
// A C header: its inline functions return _Bool, which clang's C++ does not
// know (GCC's does).
#if defined(__clang__)
#define _Bool bool
#endif
#include <sys/platform/x86.h>
#if defined(__clang__)
#undef _Bool
#endif
#endif
#endif

namespace scc {

#if defined(__x86_64__)

// glibc's record of CPUID, made at process start, costs nothing to read;
// each CPUID instruction traps to the hypervisor in a VM (4 µs here).
bool sha256_sha_ni_available() {
#if __has_include(<sys/platform/x86.h>)
  return CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(SSE4_1);
#else
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool ssse3 = (ecx & bit_SSSE3) != 0;
  const bool sse41 = (ecx & bit_SSE4_1) != 0;
  // Leaf 7 subleaf 0, EBX bit 29: SHA. __get_cpuid_count returns 0 when the CPU
  // has no leaf 7.
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool sha = (ebx & (1u << 29)) != 0;
  return ssse3 && sse41 && sha;
#endif
}

__attribute__((target("sha,sse4.1"))) void sha256_compress_sha_ni(Sha256State& state,
                                                                  const std::uint8_t* data,
                                                                  std::size_t blocks) {
  // Byte order within each 32-bit lane reversed: the message words are big-endian.
  const __m128i byte_swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  auto lane = [](std::uint32_t v) { return static_cast<int>(v); };
  __m128i abef = _mm_set_epi32(lane(state[0]), lane(state[1]), lane(state[4]), lane(state[5]));
  __m128i cdgh = _mm_set_epi32(lane(state[2]), lane(state[3]), lane(state[6]), lane(state[7]));

  for (; blocks > 0; --blocks, data += 64) {
    const __m128i abef_in = abef;
    const __m128i cdgh_in = cdgh;
    // w[g % 4] holds W[4g..4g+3] (W[4g] in the lowest lane) in group g of four rounds.
    __m128i w[4];
#pragma GCC unroll 16
    for (unsigned g = 0; g < 16; ++g) {
      if (g < 4) {
        const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * g));
        w[g] = _mm_shuffle_epi8(raw, byte_swap);
      } else {
        // w[g%4] is W[4g-16..], w[(g+1)%4] W[4g-12..], w[(g+2)%4] W[4g-8..],
        // w[(g+3)%4] W[4g-4..]; W[4g-7..4g-4] straddles the last two.
        const __m128i sigma0_part = _mm_sha256msg1_epu32(w[g % 4], w[(g + 1) % 4]);
        const __m128i w_minus_7 = _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4);
        w[g % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(sigma0_part, w_minus_7), w[(g + 3) % 4]);
      }
      const __m128i k =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(kSha256Round.data() + 4 * g));
      const __m128i wk = _mm_add_epi32(w[g % 4], k);
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                            // rounds 4g, 4g+1
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));  // 4g+2, 4g+3
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
  }

  alignas(16) std::uint32_t lanes[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), abef);
  state[0] = lanes[3];
  state[1] = lanes[2];
  state[4] = lanes[1];
  state[5] = lanes[0];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), cdgh);
  state[2] = lanes[3];
  state[3] = lanes[2];
  state[6] = lanes[1];
  state[7] = lanes[0];
}

#else

bool sha256_sha_ni_available() { return false; }

#endif

}  // namespace scc
