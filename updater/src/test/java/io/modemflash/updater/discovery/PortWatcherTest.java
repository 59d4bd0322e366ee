package io.modemflash.updater.discovery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class PortWatcherTest {
    @TempDir
    Path dir;

    @Test
    void followsTheModemToItsDownloadPersonalityOnTheUsb2Peer() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        fs.peers("3-1.4", "2-1.4");
        DeviceScannerTest.mc7455(fs, "3-1.4", 7);
        DeviceScanner scanner = new DeviceScanner(fs.roots());
        Device before = scanner.find("3-1.4").orElseThrow();
        PortWatcher w = new PortWatcher(scanner, before, Duration.ofMillis(5));
        CompletableFuture<Device> found = CompletableFuture.supplyAsync(() -> {
            try {
                return w.await(PortWatcher.downloadMode(), "download-mode device", Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        fs.unplug("3-1.4");
        Path d = fs.device("2-1.4", 0x1199, 0x9070, 8, 1, null, null);
        fs.tty(fs.iface(d, 0, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB0", true);
        Device after = found.get(30, TimeUnit.SECONDS);
        assertEquals("1199:9070", after.vidPid());
        assertEquals("2-1.4", after.port());
        assertEquals(fs.dev.resolve("ttyUSB0"), after.downloadTty().node());
    }

    @Test
    void followsAnMc7455IntoBootAndHoldOnItsApplicationId() throws Exception {
        // seen on a real kernel: the modem re-enumerates as 1199:9071 with one ff/ff/ff
        // interface; before, the watcher took it for application mode and timed out
        FakeSysfs fs = new FakeSysfs(dir);
        DeviceScannerTest.mc7455(fs, "1-1", 3);
        DeviceScanner scanner = new DeviceScanner(fs.roots());
        PortWatcher w = new PortWatcher(scanner, scanner.find("1-1").orElseThrow(), Duration.ofMillis(5));
        fs.unplug("1-1");
        Path d = fs.device("1-1", 0x1199, 0x9071, 4, 1, "Sierra Wireless MC7455", null);
        fs.tty(fs.iface(d, 0, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB0", true);
        Device after = w.await(PortWatcher.downloadMode(), "download-mode device", Duration.ofSeconds(20));
        assertEquals("1199:9071", after.vidPid());
        assertTrue(after.inDownloadMode());
        assertEquals(fs.dev.resolve("ttyUSB0"), after.downloadTty().node());
    }

    @Test
    void waitsForTheDevNodeOfTheNewPersonality() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        DeviceScannerTest.mc7455(fs, "1-1", 3);
        DeviceScanner scanner = new DeviceScanner(fs.roots());
        PortWatcher w = new PortWatcher(scanner, scanner.find("1-1").orElseThrow(), Duration.ofMillis(5));
        fs.unplug("1-1");
        Path d = fs.device("1-1", 0x1199, 0x9070, 4, 1, null, null);
        fs.tty(fs.iface(d, 0, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB0", false); // udev has not made the node yet
        CountDownLatch polled = new CountDownLatch(3);
        CompletableFuture<Device> found = CompletableFuture.supplyAsync(() -> {
            try {
                return w.await(dev -> {
                    polled.countDown();
                    return PortWatcher.downloadMode().test(dev);
                }, "download-mode device", Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(polled.await(20, TimeUnit.SECONDS));
        assertFalse(found.isDone(), "returned before the /dev node existed");
        Files.createFile(fs.dev.resolve("ttyUSB0"));
        assertEquals("1199:9070", found.get(30, TimeUnit.SECONDS).vidPid());
    }

    @Test
    void aModemThatNeverLeavesTimesOutNamingWhatItStillIs() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        DeviceScannerTest.mc7455(fs, "1-1", 3);
        DeviceScanner scanner = new DeviceScanner(fs.roots());
        PortWatcher w = new PortWatcher(scanner, scanner.find("1-1").orElseThrow(), Duration.ofMillis(5));
        // the same enumeration matches "application mode", but it never went away
        DeviceWaitTimeoutException e = assertThrows(DeviceWaitTimeoutException.class,
                () -> w.await(dev -> true, "modem", Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("did not re-enumerate"), e.getMessage());
        assertTrue(e.getMessage().contains("1199:9071"), e.getMessage());
    }

    @Test
    void nothingReturningTimesOutSayingThePortIsEmpty() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        DeviceScannerTest.mc7455(fs, "1-1", 3);
        DeviceScanner scanner = new DeviceScanner(fs.roots());
        PortWatcher w = new PortWatcher(scanner, scanner.find("1-1").orElseThrow(), Duration.ofMillis(5));
        fs.unplug("1-1");
        DeviceWaitTimeoutException e = assertThrows(DeviceWaitTimeoutException.class,
                () -> w.await(PortWatcher.downloadMode(), "download-mode device", Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("nothing is on the port"), e.getMessage());
    }
}
