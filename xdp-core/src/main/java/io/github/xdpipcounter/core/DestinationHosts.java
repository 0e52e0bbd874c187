package io.github.xdpipcounter.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.xdpipcounter.core.internal.layout.XicGlobals;

/**
 * The single hosts of the destination filter on one network, where the
 * program looks them up: a host table in the program's global (struct
 * xic_host_tables: a multiply and one cache line per packet), and the
 * destination host map for the hosts the table cannot hold (a full bucket,
 * or the all-zero address). The program reads the map only when it holds
 * hosts.
 *
 * <p>A replacement never shows a packet a host set that is neither the old
 * nor the new one's superset, as {@link PrefixTrie} does for the map alone:
 * the map first holds the old and the new hosts it must, the program then
 * switches to the other of its two tables, written with the new hosts, and
 * the map keeps only the new ones after that. Before it returns, a
 * replacement waits for the program runs that may still read the old table
 * (a {@link GracePeriod}), so the next replacement may write it.
 */
final class DestinationHosts {
    private final Network network;
    private final ProgramGlobals globals;
    private final PrefixTrie map;
    private final GracePeriod gracePeriod;
    private final int buckets;
    private final int ways = XicGlobals.hostWays();
    private Map<AddressBlock, Byte> contents = Map.of();
    private int tableInUse;

    /** @param map the network's destination host map, as {@link PrefixTrie#hosts} */
    DestinationHosts(Network network, ProgramGlobals globals, PrefixTrie map, GracePeriod gracePeriod) {
        this.network = network;
        this.globals = globals;
        this.map = map;
        this.gracePeriod = gracePeriod;
        this.buckets = XicGlobals.hostBuckets(network == Network.IPV4 ? 0 : 1);
    }

    /** Makes the program count exactly the hosts of {@code wanted} whose value is not 0; see the class description. */
    synchronized void replace(Map<AddressBlock, Byte> wanted) {
        if (wanted.equals(contents)) {
            // Every filter change comes here, most with the same hosts: no table to switch, no grace period.
            return;
        }
        List<AddressBlock> hosts = new ArrayList<>();
        wanted.forEach((block, value) -> {
            if (block.network() != network || block.prefixLength() != network.addressLength() * 8) {
                throw new IllegalArgumentException(block + " is not a single " + network + " host");
            }
            if (value != 0) {
                hosts.add(block);
            }
        });
        hosts.sort(null);
        byte[] table = new byte[buckets * ways * network.addressLength()];
        int[] used = new int[buckets];
        Map<AddressBlock, Byte> rest = new HashMap<>();
        for (AddressBlock host : hosts) {
            int bucket = bucket(host.bytes());
            if (isZero(host.bytes()) || used[bucket] == ways) {
                rest.put(host, wanted.get(host));
            } else {
                System.arraycopy(host.bytes(), 0, table, (bucket * ways + used[bucket]++) * network.addressLength(),
                        network.addressLength());
            }
        }
        Map<AddressBlock, Byte> oldAndNew = new HashMap<>(map.contents());
        oldAndNew.putAll(rest);
        map.replace(oldAndNew);
        if (!rest.isEmpty()) {
            globals.hostMap(network, true);
        }
        tableInUse = 1 - tableInUse;
        globals.hostTable(network, tableInUse, table);
        gracePeriod.await();
        if (rest.isEmpty()) {
            globals.hostMap(network, false);
        }
        map.replace(rest);
        contents = Map.copyOf(wanted);
    }

    /** The hosts last given to {@link #replace}. */
    synchronized Map<AddressBlock, Byte> contents() {
        return contents;
    }

    /** The bucket of an address, as the program computes it (see struct xic_host_tables). */
    private int bucket(byte[] address) {
        ByteBuffer words = ByteBuffer.wrap(address).order(ByteOrder.nativeOrder());
        int folded = 0;
        while (words.hasRemaining()) {
            folded ^= words.getInt();
        }
        return (folded * XicGlobals.hostHash()) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(buckets));
    }

    private static boolean isZero(byte[] address) {
        for (byte b : address) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
