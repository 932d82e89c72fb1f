package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.tensor.Tensor;

/**
 * A module's {@link FftConvWorkspace}, made on first use by the backend of the tensors it is used with
 * and replaced (the old one closed) when the module's tensors move to another backend.
 */
final class FftWorkspaceHolder {

    private FftConvWorkspace workspace;
    private Backend owner;

    /** The workspace for {@code input}'s backend. */
    synchronized FftConvWorkspace get(Tensor input) {
        Backend b = input.backend();
        if (workspace == null || owner != b) {
            release();
            workspace = b.conv().newFftWorkspace();
            owner = b;
        }
        return workspace;
    }

    /** The current workspace, or null before the first training step (for tests). */
    synchronized FftConvWorkspace current() {
        return workspace;
    }

    synchronized void release() {
        if (workspace != null) {
            workspace.close();
            workspace = null;
            owner = null;
        }
    }
}
