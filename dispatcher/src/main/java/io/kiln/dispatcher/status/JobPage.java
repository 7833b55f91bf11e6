package io.kiln.dispatcher.status;

import java.util.List;

/**
 * One page of a key's jobs, newest first.
 *
 * @param jobs the jobs of the page
 * @param nextCursor where the next page starts, opaque to clients; null when this page is the last
 */
public record JobPage(List<StoredStatus> jobs, String nextCursor) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}
