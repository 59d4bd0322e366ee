package io.modemflash.emulator.qmi;

import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Client ids per QMI service, as firmware keeps them: a fixed pool of ids 1..size per service,
 * handed out round-robin (a released id is not reused at once, so a host that talks on a
 * stale id is caught), never 0 and never the broadcast id 0xFF. Not thread-safe; the engine
 * serialises access.
 */
public final class ClientIdPool {
    private final int size;
    private final Map<Integer, SortedSet<Integer>> allocated = new TreeMap<>();
    private final Map<Integer, Integer> last = new TreeMap<>();

    public ClientIdPool(int size) {
        if (size < 1 || size > 254) {
            throw new IllegalArgumentException("pool size must be 1..254, got " + size);
        }
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** A new id for the service, or empty when all ids of that service are in use. */
    public OptionalInt allocate(int service) {
        SortedSet<Integer> used = allocated.computeIfAbsent(service, s -> new TreeSet<>());
        if (used.size() >= size) {
            return OptionalInt.empty();
        }
        int id = last.getOrDefault(service, 0);
        do {
            id = id % size + 1;
        } while (used.contains(id));
        used.add(id);
        last.put(service, id);
        return OptionalInt.of(id);
    }

    /** False when the id was not allocated for that service. */
    public boolean release(int service, int clientId) {
        SortedSet<Integer> used = allocated.get(service);
        return used != null && used.remove(clientId);
    }

    public boolean isAllocated(int service, int clientId) {
        SortedSet<Integer> used = allocated.get(service);
        return used != null && used.contains(clientId);
    }

    /** CTL Sync and a modem reset: every id of every service is dropped. */
    public void clear() {
        allocated.clear();
    }

    /** Allocated ids of one service, ascending. */
    public SortedSet<Integer> allocated(int service) {
        SortedSet<Integer> used = allocated.get(service);
        return used == null ? new TreeSet<>() : new TreeSet<>(used);
    }

    /** Number of allocated ids over all services. */
    public int totalAllocated() {
        return allocated.values().stream().mapToInt(SortedSet::size).sum();
    }

    /** Allocated ids by service (only services with at least one id). */
    public Map<Integer, SortedSet<Integer>> snapshot() {
        Map<Integer, SortedSet<Integer>> out = new TreeMap<>();
        allocated.forEach((s, ids) -> {
            if (!ids.isEmpty()) {
                out.put(s, new TreeSet<>(ids));
            }
        });
        return out;
    }
}
