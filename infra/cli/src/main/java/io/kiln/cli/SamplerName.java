package io.kiln.cli;

import io.kiln.contracts.Sampler;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --sampler}, by the name a job request uses. */
final class SamplerName implements ITypeConverter<Sampler> {
    @Override
    public Sampler convert(String name) {
        try {
            return Sampler.fromWireName(name);
        } catch (IllegalArgumentException unknown) {
            throw new TypeConversionException(unknown.getMessage());
        }
    }
}
