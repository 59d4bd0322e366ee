package io.modemflash.qdl.gpt;

import io.modemflash.qdl.ProtocolException;

/** Sectors a device holds that claim to be a GPT but cannot be one (exit 6, as any answer that makes no sense). */
public final class GptException extends ProtocolException {
    public GptException(String message) {
        super(message);
    }
}
