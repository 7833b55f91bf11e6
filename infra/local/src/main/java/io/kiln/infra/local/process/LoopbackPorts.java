package io.kiln.infra.local.process;

import io.kiln.infra.local.ServerStartupException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;

/** TCP ports on 127.0.0.1, the only address the local servers listen on. */
final class LoopbackPorts {

    static final InetAddress LOOPBACK = loopback();

    private static final int CONNECT_TIMEOUT_MILLIS = 500;

    private LoopbackPorts() {}

    /** {@code requested} if it is free, or any free port if {@code requested} is 0. */
    static int resolve(String serverName, int requested) {
        if (requested == 0) {
            return free();
        }
        requireFree(serverName, requested);
        return requested;
    }

    /**
     * Fails unless nothing listens on {@code port}. Checked before the start because a foreign server on the port
     * would answer the readiness probe in place of ours.
     */
    static void requireFree(String serverName, int port) {
        try {
            new ServerSocket(port, 1, LOOPBACK).close();
        } catch (IOException e) {
            throw new ServerStartupException(
                    serverName,
                    serverName + " cannot start: 127.0.0.1:" + port + " is already in use (" + e.getMessage() + ")");
        }
    }

    /** A port that was free a moment ago, chosen by the kernel. */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    /** Whether something accepts TCP connections on {@code port}. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress loopback() {
        try {
            // 127.0.0.1 itself: "localhost" may resolve to ::1 first, where the servers do not listen
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
