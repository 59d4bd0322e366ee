package io.modemflash.emulator.boot;

/** A device link that can leave the bus abruptly (an injected disconnect), without the linger of an orderly reset. */
public interface Unpluggable {
    void unplug();
}
