package dev.vigil.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port checks. Every component of the stack listens on 127.0.0.1 only. */
final class Ports {
  static final String LOOPBACK = "127.0.0.1";

  private Ports() {}

  /** {@code port}, or a free port when it is 0. */
  static int resolve(int port) {
    if (port != 0) {
      return port;
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw StackException.io("no free loopback port", e);
    }
  }

  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // As the servers bind (SO_REUSEADDR): a port held only by connections in TIME_WAIT, as after
      // a component was stopped, is free for them; a listening socket still makes bind fail.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void requireFree(int port, Component component, String what) {
    if (!isFree(port)) {
      // Not "or choose another port": `vigil stack up` has no port to choose.
      throw new StackException(
          component.displayName()
              + " cannot start: "
              + what
              + " port "
              + port
              + " on "
              + LOOPBACK
              + " is in use by another process; stop it first ('ss -ltnp' names it).");
    }
  }
}
