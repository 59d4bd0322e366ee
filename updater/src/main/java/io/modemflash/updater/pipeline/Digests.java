package io.modemflash.updater.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.qdl.firehose.WriteVerifier;
import io.modemflash.updater.api.Output;

import java.util.List;

/** The written regions whose SHA-256 the device confirmed, as the result event of update and download lists them. */
public final class Digests {
    private Digests() {
    }

    public static ArrayNode json(List<WriteVerifier.Check> checks) {
        ArrayNode a = Output.mapper().createArrayNode();
        for (WriteVerifier.Check c : checks) {
            ObjectNode o = a.addObject();
            o.put("image", c.what());
            o.put("lun", c.lun());
            o.put("start_sector", c.startSector());
            o.put("sectors", c.sectors());
            o.put("sha256", c.device());
            o.put("method", c.method());
        }
        return a;
    }
}
