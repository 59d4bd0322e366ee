package io.modemflash.qmi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Every typed decoder, fed random TLVs, either decodes or throws QmiFormatException: nothing else. */
class HostileTlvsTest {
    static final int[][] MESSAGES = {
            {0x00, 0x0021}, {0x00, 0x0022}, {0x00, 0x0023}, {0x00, 0x0027}, {0x00, 0xFF00},
            {0x02, 0x0022}, {0x02, 0x0023}, {0x02, 0x0025}, {0x02, 0x002D}, {0x02, 0x002E}, {0x02, 0x003E},
            {0x02, 0x0047}, {0x02, 0x0048}, {0x02, 0x0049}, {0x02, 0x0050}, {0x02, 0x5556}};

    @Test
    void typedDecodersOnlyEverThrowFormatErrors() {
        Random r = new Random(7);
        int decoded = 0;
        int rejected = 0;
        for (int[] msg : MESSAGES) {
            QmiMessageNames.MessageSpec spec = QmiMessageNames.lookup(msg[0], msg[1]).orElseThrow();
            for (TlvDecoder d : new TlvDecoder[] {spec.requestDecoder(), spec.responseDecoder()}) {
                assertNotNull(d, spec.name());
                for (int i = 0; i < 3000; i++) {
                    List<Tlv> tlvs = new ArrayList<>();
                    int n = r.nextInt(4);
                    for (int t = 0; t < n; t++) {
                        int type = r.nextBoolean() ? 0x01 : 0x10 + r.nextInt(9);
                        byte[] v = new byte[r.nextInt(r.nextBoolean() ? 4 : 60)];
                        r.nextBytes(v);
                        if (v.length > 0 && r.nextBoolean()) {
                            v[0] = (byte) r.nextInt(3); // small counts reach the nested readers
                        }
                        tlvs.add(new Tlv(type, v));
                    }
                    try {
                        QmiPayload p = d.decode(tlvs);
                        p.fields();
                        p.toTlvs();
                        decoded++;
                    } catch (QmiFormatException e) {
                        assertNotNull(e.getMessage());
                        rejected++;
                    } catch (RuntimeException e) {
                        fail(spec.name() + " threw " + e + " on " + tlvs);
                    }
                }
            }
        }
        assertTrue(decoded > 0 && rejected > 0, decoded + " decoded, " + rejected + " rejected");
    }
}
