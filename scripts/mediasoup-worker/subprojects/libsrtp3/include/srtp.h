/*
 * libsrtp 3 API on top of Debian's libsrtp 2.
 *
 * mediasoup 3.14-3.19 is written against the libsrtp 3 calls below (separate
 * input and output buffers, size_t lengths). Debian 12 ships libsrtp 2.5, whose
 * functions work in place on an int length. These overloads copy the input into
 * the output buffer (one memmove when they differ) and run libsrtp 2 there.
 */
#ifndef AULA_SRTP3_COMPAT_H
#define AULA_SRTP3_COMPAT_H

#include <srtp2/srtp.h>

#ifdef __cplusplus
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

static constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
static constexpr srtp_err_status_t srtp_err_status_cryptex_err = static_cast<srtp_err_status_t>(29);

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
