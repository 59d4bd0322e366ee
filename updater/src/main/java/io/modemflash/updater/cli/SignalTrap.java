package io.modemflash.updater.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Runs an action when the process receives a signal other than the JVM's own (e.g. SIGUSR1,
 * which a bench sends `modemflash emulate` to unplug the modem). Uses sun.misc.Signal from
 * jdk.unsupported, the JDK's only way to catch such a signal; it is reached reflectively
 * because javac warns on every direct use of that API.
 */
final class SignalTrap {
    private SignalTrap() {
    }

    /** Installs the handler; false when this JVM does not let the signal be caught. */
    static boolean on(String signal, Runnable action) {
        try {
            Class<?> sig = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object h = Proxy.newProxyInstance(SignalTrap.class.getClassLoader(), new Class<?>[] {handler},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "SignalTrap(" + signal + ")";
                    });
            sig.getMethod("handle", sig, handler).invoke(null, sig.getConstructor(String.class).newInstance(signal), h);
            return true;
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | InstantiationException
                 | InvocationTargetException e) {
            return false; // e.g. a signal the JVM reserves for itself
        }
    }
}
