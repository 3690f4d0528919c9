global using UqKernels.Validation;
