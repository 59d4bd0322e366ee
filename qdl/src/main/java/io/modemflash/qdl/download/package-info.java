/**
 * Whole downloads on top of the protocol sessions: {@link io.modemflash.qdl.download.Downloader}
 * flashes an opened {@link io.modemflash.images.FirmwarePackage} into a device already in
 * download mode, choosing the flow from the package's protocol and the device's first bytes.
 *
 * <pre>
 * try (FirmwarePackage pkg = FirmwarePackage.open(path, Limits.defaults());
 *      Link link = TtyLink.open(Path.of("/dev/ttyUSB0"))) {
 *     DownloadOptions opts = DownloadOptions.DEFAULTS
 *             .withZeroLengthPackets(true)          // Firehose ZLP policy
 *             .withSkipImages(journal.done());      // Sierra per-image resume (ignored for flat builds)
 *     DownloadResult r = new Downloader(opts, event -> { ... }).download(pkg, link);
 * } catch (DownloadException e) {
 *     e.stage(); e.image(); e.completed();          // the cause decides the exit code
 * }
 * </pre>
 * Events ({@link io.modemflash.qdl.download.DownloadEvent}): Stage (detect, sahara, firehose,
 * qdl, program, patch, bootable, reset), ImageStarted / ImageProgress / ImageDone /
 * ImageSkipped, Log (device logs), Warning. A package that needs another boot protocol than
 * the device speaks ends in {@link io.modemflash.qdl.download.WrongDeviceException}.
 */
package io.modemflash.qdl.download;
