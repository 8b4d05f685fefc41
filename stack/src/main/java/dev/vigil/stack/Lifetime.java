package dev.vigil.stack;

/** How long the started processes live. */
public enum Lifetime {
  /**
   * The processes outlive the JVM that started them, in their own session, until {@link
   * LocalStack#down()}: what {@code vigil stack up} wants.
   */
  DETACHED,
  /**
   * The kernel kills the processes when the JVM that started them dies, however it dies (a
   * SIGKILLed or timed-out test JVM leaves nothing behind): what tests want.
   */
  BOUND_TO_THIS_JVM
}
