package io.kiln.engine.model.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntFunction;

/** An indexed list of children ({@code resnets.0}, {@code resnets.1}, …), as {@code torch.nn.ModuleList}. */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> modules = new ArrayList<>();

    /** A list of {@code count} modules, the i-th made by {@code factory.apply(i)}. */
    public ModuleList(int count, IntFunction<M> factory) {
        for (int i = 0; i < count; i++) {
            modules.add(child(Integer.toString(i), factory.apply(i)));
        }
    }

    public M get(int index) {
        return modules.get(index);
    }

    public int size() {
        return modules.size();
    }

    @Override
    public Iterator<M> iterator() {
        return modules.iterator();
    }
}
