// Notebooks change the process working directory while they run and their timing cells want a quiet machine.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
