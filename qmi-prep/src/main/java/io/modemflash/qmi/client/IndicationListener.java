package io.modemflash.qmi.client;

import io.modemflash.qmi.QmiMessage;

/** Receives indications (unsolicited messages) on the device's reader thread; must not block. */
@FunctionalInterface
public interface IndicationListener {
    void onIndication(QmiMessage indication);
}
