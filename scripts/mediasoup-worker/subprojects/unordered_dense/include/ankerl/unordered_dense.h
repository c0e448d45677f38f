/*
 * The part of ankerl::unordered_dense 4.x that mediasoup 3.27 uses, on the
 * standard library: map, set and hash.
 *
 * unordered_dense is a faster open-addressing table; std::unordered_map gives
 * the same interface for what mediasoup calls (find, emplace, try_emplace,
 * erase, contains, iteration) and keeps iterators valid more often, never
 * less. hash mixes like unordered_dense's wyhash mum step so that values
 * combined with Utils::Crypto::HashCombine spread over all bits.
 */
#ifndef AULA_ANKERL_UNORDERED_DENSE_COMPAT_H
#define AULA_ANKERL_UNORDERED_DENSE_COMPAT_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace ankerl::unordered_dense
{
	namespace detail
	{
		inline uint64_t Mum(uint64_t a, uint64_t b) noexcept
		{
			const __uint128_t r = static_cast<__uint128_t>(a) * b;
			return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
		}
	} // namespace detail

	template<class T, class Enable = void>
	struct hash
	{
		using is_avalanching = void;

		size_t operator()(const T& value) const noexcept(noexcept(std::hash<T>{}(value)))
		{
			return static_cast<size_t>(
			  detail::Mum(static_cast<uint64_t>(std::hash<T>{}(value)), UINT64_C(0x9E3779B97F4A7C15)));
		}
	};

	template<
	  class Key,
	  class T,
	  class Hash                 = hash<Key>,
	  class KeyEqual             = std::equal_to<Key>,
	  class AllocatorOrContainer = std::allocator<std::pair<Key, T>>,
	  class Bucket               = void>
	using map = std::unordered_map<Key, T, Hash, KeyEqual>;

	template<
	  class Key,
	  class Hash                 = hash<Key>,
	  class KeyEqual             = std::equal_to<Key>,
	  class AllocatorOrContainer = std::allocator<Key>,
	  class Bucket               = void>
	using set = std::unordered_set<Key, Hash, KeyEqual>;
} // namespace ankerl::unordered_dense

#endif
