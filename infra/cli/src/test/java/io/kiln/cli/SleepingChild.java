package io.kiln.cli;

/** A child JVM for {@link LocalProcessesTest}: says what it sees, then sleeps until stopped. */
public final class SleepingChild {

    private SleepingChild() {}

    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("stopping on a signal")));
        System.out.println("sleeping with KILN_SLEEPING_CHILD=" + System.getenv("KILN_SLEEPING_CHILD")
                + ", KILN_INFRA_MODE=" + System.getenv("KILN_INFRA_MODE"));
        Thread.sleep(Long.parseLong(args[0]) * 1000);
    }
}
