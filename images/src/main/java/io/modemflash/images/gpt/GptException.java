package io.modemflash.images.gpt;

import java.io.IOException;

/** Sectors that claim to be a GPT but cannot be one. */
public final class GptException extends IOException {
    public GptException(String message) {
        super(message);
    }
}
