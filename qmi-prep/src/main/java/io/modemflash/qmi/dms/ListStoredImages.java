package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvReader;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DMS List Stored Images (0x0049): response TLV 0x01 = u8 n_types; per type {u8 type,
 * u8 max_images, u8 running_index, u8 n}; per image {u8 storage_index, u8 failure_count,
 * unique_id[16], u8-prefixed build_id}.
 */
public final class ListStoredImages {
    public static final int ID = 0x0049;

    private ListStoredImages() {
    }

    public record StoredImage(int storageIndex, int failureCount, byte[] uniqueId, String buildId) {
        public StoredImage {
            if (uniqueId.length != ImageId.UNIQUE_ID_LENGTH) {
                throw new IllegalArgumentException("unique id must be 16 bytes, got " + uniqueId.length);
            }
            uniqueId = uniqueId.clone();
        }

        @Override
        public byte[] uniqueId() {
            return uniqueId.clone();
        }

        public String uniqueIdText() {
            return TlvReader.decodeString(uniqueId);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StoredImage s && s.storageIndex == storageIndex && s.failureCount == failureCount
                    && Arrays.equals(s.uniqueId, uniqueId) && s.buildId.equals(buildId);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(uniqueId) * 31 + buildId.hashCode() + storageIndex * 7 + failureCount;
        }

        @Override
        public String toString() {
            return "#" + storageIndex + " unique_id='" + uniqueIdText() + "' build_id='" + buildId + "' failures="
                    + failureCount;
        }
    }

    /** runningIndex 0xFF means none of this type is running. */
    public record ImageList(int type, int maxImages, int runningIndex, List<StoredImage> images) {
        public ImageList {
            images = List.copyOf(images);
        }
    }

    public record Request() implements DmsRequest<Response> {
        public int messageId() {
            return ID;
        }

        public List<Tlv> toTlvs() {
            return List.of();
        }

        public Map<String, Object> fields() {
            return Fields.none();
        }

        public Response decodeResponse(List<Tlv> tlvs) throws QmiFormatException {
            return Response.decode(tlvs);
        }

        public static Request decode(List<Tlv> tlvs) {
            return new Request();
        }
    }

    public record Response(List<ImageList> lists) implements QmiPayload {
        public Response {
            lists = List.copyOf(lists);
        }

        public List<Tlv> toTlvs() {
            TlvWriter w = new TlvWriter(0x01).u8(lists.size());
            for (ImageList l : lists) {
                w.u8(l.type()).u8(l.maxImages()).u8(l.runningIndex()).u8(l.images().size());
                for (StoredImage i : l.images()) {
                    w.u8(i.storageIndex()).u8(i.failureCount()).bytes(i.uniqueId()).string8(i.buildId());
                }
            }
            return List.of(w.build());
        }

        public Map<String, Object> fields() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ImageList l : lists) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", ImageId.typeName(l.type()));
                m.put("max_images", l.maxImages());
                m.put("running_index", l.runningIndex());
                List<String> images = new ArrayList<>();
                for (StoredImage i : l.images()) {
                    images.add(i.toString());
                }
                m.put("images", images);
                out.add(m);
            }
            return Fields.create().put("lists", out).build();
        }

        public static Response decode(List<Tlv> tlvs) throws QmiFormatException {
            TlvReader r = Tlvs.require(tlvs, 0x01, "DMS List Stored Images response").reader();
            int nTypes = r.u8();
            List<ImageList> lists = new ArrayList<>(nTypes);
            for (int t = 0; t < nTypes; t++) {
                int type = r.u8();
                int max = r.u8();
                int running = r.u8();
                int n = r.u8();
                List<StoredImage> images = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    images.add(new StoredImage(r.u8(), r.u8(), r.bytes(ImageId.UNIQUE_ID_LENGTH), r.string8()));
                }
                lists.add(new ImageList(type, max, running, images));
            }
            return new Response(lists);
        }
    }
}
