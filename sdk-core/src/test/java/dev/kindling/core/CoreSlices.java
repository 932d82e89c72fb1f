package dev.kindling.core;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The slices of sdk-core whose dependencies must form no cycle: one per top-level package under a root
 * ({@code <root>.nn}, {@code <root>.text}, ... with their sub-packages), except that
 * <ul>
 *   <li>{@code tensor} and the backend SPI ({@code backend} itself) are one slice. They depend on each other by
 *       design: a Tensor dispatches to its device's Backend, and every op of the SPI takes Tensors. Splitting them
 *       would mean one package or a registry of callbacks, no clearer than this; nothing else may join the loop.</li>
 *   <li>each implementation package under {@code backend} ({@code backend.cpu}) is a slice of its own, so the SPI
 *       depending on its implementation shows up as a cycle;</li>
 *   <li>each {@code serving.*} sub-package (model, log, checkpoint, finetune, routing) is a slice of its own.</li>
 * </ul>
 */
final class CoreSlices implements SliceAssignment {

    private final String root;

    CoreSlices(String root) {
        this.root = root;
    }

    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String pkg = javaClass.getPackageName();
        if (!pkg.startsWith(root + ".")) {
            return SliceIdentifier.ignore();
        }
        String[] parts = pkg.substring(root.length() + 1).split("\\.");
        String second = parts.length > 1 ? parts[1] : null;
        return SliceIdentifier.of(switch (parts[0]) {
            case "tensor" -> "tensor+backend";
            case "backend" -> second == null ? "tensor+backend" : "backend." + second;
            case "serving" -> second == null ? "serving" : "serving." + second;
            default -> parts[0];
        });
    }

    @Override
    public String getDescription() {
        return "the top-level packages of " + root + " (tensor with the backend SPI as one; backend.cpu and serving.* apart)";
    }
}
