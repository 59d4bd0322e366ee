/**
 * Host side of the Qualcomm boot-mode protocols: links ({@code link}), Sierra QDL over HDLC
 * ({@code hdlc}), Sahara ({@code sahara}) and Firehose ({@code firehose}). Each protocol
 * package keeps a pure codec (bytes in, records out) apart from its session logic, which
 * talks to a {@link io.modemflash.qdl.link.Link}.
 */
package io.modemflash.qdl;
