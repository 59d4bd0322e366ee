package io.modemflash.updater.pipeline;

import io.modemflash.updater.discovery.Device;

import java.util.List;

/**
 * One step of a modem's update, as fwupd's device lifecycle names them: {@link Detach}
 * (into download mode), {@link Write} (the images, then the reset), {@link Attach} (back to
 * the modem), {@link Reload} (verify what it runs). Each reports its own stages; the
 * pipeline probes and plans, then runs the steps from where the plan starts (a modem found
 * in download mode starts at write, one an interrupted run left after its download at
 * reload), and a failure, a timeout or Ctrl-C in any of them ends the same way.
 */
interface Lifecycle {
    /** The stages this step reports, in order. */
    List<Stage> stages();

    /** Runs the step on the device as the previous step left it; returns the device as this one leaves it. */
    Device run(Device device, Plan plan) throws Exception;
}
