/*
 * libsrtp 3 API on top of libsrtp 2.5.
 *
 * mediasoup 3.27 is written against libsrtp 3 (versatica's fork, not in any
 * Debian release): an opaque srtp_policy_t built with srtp_policy_create() and
 * setters, and protect/unprotect with separate input and output buffers and
 * size_t lengths. aula builds Debian's libsrtp2 2.5 source with OpenSSL (see
 * ../../libsrtp.mjs); its policy is a plain struct and its functions work in
 * place on an int length. This header renames libsrtp 2's struct, calls the
 * pointer to it srtp_policy_t, and adds the libsrtp 3 functions mediasoup
 * calls. The protect overloads copy the input into the output buffer (one
 * memmove when they differ) and run libsrtp 2 there.
 */
#ifndef AULA_SRTP3_COMPAT_H
#define AULA_SRTP3_COMPAT_H

// libsrtp 2's `typedef struct srtp_policy_t {...} srtp_policy_t` becomes
// aula_srtp2_policy_t, so that srtp_policy_t can be libsrtp 3's handle type.
#define srtp_policy_t aula_srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

#ifdef __cplusplus
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

static constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
static constexpr srtp_err_status_t srtp_err_status_cryptex_err = static_cast<srtp_err_status_t>(29);

/* libsrtp 3's policy handle: a heap policy that owns a copy of the key. */
typedef aula_srtp2_policy_t* srtp_policy_t;

namespace aula_srtp_compat
{
	struct OwnedPolicy
	{
		aula_srtp2_policy_t policy; // first member: an OwnedPolicy* is a policy*
		srtp_profile_t profile{ srtp_profile_reserved };
		uint8_t key[SRTP_MAX_KEY_LEN]{};
	};

	static_assert(std::is_standard_layout_v<OwnedPolicy>);
} // namespace aula_srtp_compat

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	auto* owned = new (std::nothrow) aula_srtp_compat::OwnedPolicy();
	if (owned == nullptr)
		return srtp_err_status_alloc_fail;
	std::memset(&owned->policy, 0, sizeof(owned->policy));
	owned->policy.key = owned->key;
	*policy = &owned->policy;
	return srtp_err_status_ok;
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	if (policy == nullptr)
		return;
	auto* owned = reinterpret_cast<aula_srtp_compat::OwnedPolicy*>(policy);
	// The key copy is secret: clear it before the memory is reused.
	volatile uint8_t* k = owned->key;
	for (size_t i = 0; i < sizeof(owned->key); ++i)
		k[i] = 0;
	delete owned;
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->ssrc = ssrc;
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->rtp, profile);
	if (err != srtp_err_status_ok)
		return err;
	err = srtp_crypto_policy_set_from_profile_for_rtcp(&policy->rtcp, profile);
	if (err != srtp_err_status_ok)
		return err;
	reinterpret_cast<aula_srtp_compat::OwnedPolicy*>(policy)->profile = profile;
	return srtp_err_status_ok;
}

// libsrtp 2 takes master key and salt as one buffer, key first.
inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t keyLen,
  const uint8_t* salt,
  size_t saltLen,
  const uint8_t* mki,
  size_t mkiLen)
{
	if (policy == nullptr || key == nullptr || (saltLen != 0 && salt == nullptr))
		return srtp_err_status_bad_param;
	// One key, no MKI: all mediasoup uses.
	if (mki != nullptr || mkiLen != 0)
		return srtp_err_status_bad_param;
	auto* owned = reinterpret_cast<aula_srtp_compat::OwnedPolicy*>(policy);
	if (owned->profile == srtp_profile_reserved)
		return srtp_err_status_bad_param;
	if (keyLen != srtp_profile_get_master_key_length(owned->profile) ||
	    saltLen != srtp_profile_get_master_salt_length(owned->profile))
		return srtp_err_status_bad_param;
	if (keyLen + saltLen > sizeof(owned->key))
		return srtp_err_status_bad_param;
	std::memcpy(owned->key, key, keyLen);
	if (saltLen != 0)
		std::memcpy(owned->key + keyLen, salt, saltLen);
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t windowSize)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->window_size = static_cast<unsigned long>(windowSize);
	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (policy == nullptr)
		return srtp_err_status_bad_param;
	policy->allow_repeat_tx = allow ? 1 : 0;
	return srtp_err_status_ok;
}

namespace aula_srtp_compat
{
	using InPlaceFn = srtp_err_status_t (*)(srtp_t, void*, int*);
	using InPlaceMkiFn = srtp_err_status_t (*)(srtp_t, void*, int*, unsigned int, unsigned int);

	// Shared body of the four overloads: bounds checks, copy, in-place call.
	inline srtp_err_status_t Run(
	  srtp_t ctx,
	  const uint8_t* in,
	  size_t inLen,
	  uint8_t* out,
	  size_t* outLen,
	  size_t headroom,
	  size_t mkiIndex,
	  InPlaceFn plain,
	  InPlaceMkiFn withMki)
	{
		if (in == nullptr || out == nullptr || outLen == nullptr)
			return srtp_err_status_bad_param;
		if (inLen > static_cast<size_t>(INT_MAX) - headroom)
			return srtp_err_status_bad_param;
		if (*outLen < inLen + headroom)
			return srtp_err_status_buffer_small;
		if (in != out)
			std::memmove(out, in, inLen);

		int len = static_cast<int>(inLen);
		srtp_err_status_t err = (mkiIndex != 0 && withMki != nullptr)
		                          ? withMki(ctx, out, &len, 1u, static_cast<unsigned int>(mkiIndex))
		                          : plain(ctx, out, &len);

		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);

		return err;
	}
} // namespace aula_srtp_compat

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	return aula_srtp_compat::Run(
	  ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN, mkiIndex, &srtp_protect, &srtp_protect_mki);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return aula_srtp_compat::Run(ctx, srtp, srtpLen, rtp, rtpLen, 0, 0, &srtp_unprotect, nullptr);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	// +4: the SRTCP index that libsrtp appends before the tag.
	return aula_srtp_compat::Run(
	  ctx,
	  rtcp,
	  rtcpLen,
	  srtcp,
	  srtcpLen,
	  SRTP_MAX_TRAILER_LEN + 4,
	  mkiIndex,
	  &srtp_protect_rtcp,
	  &srtp_protect_rtcp_mki);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return aula_srtp_compat::Run(ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0, 0, &srtp_unprotect_rtcp, nullptr);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

#endif /* __cplusplus */
#endif /* AULA_SRTP3_COMPAT_H */
