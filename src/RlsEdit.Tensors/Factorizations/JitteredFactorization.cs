using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>The schedule behind <see cref="Cholesky.FactorWithJitter{T}"/>; every try factors a fresh copy.</summary>
internal static class JitteredFactorization
{
    public static JitteredCholesky<T> Factor<T>(MatrixView<T> a, JitterPolicy policy) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string op = "Cholesky.FactorWithJitter";
        ArgumentNullException.ThrowIfNull(policy);
        Guard.Square(a, op, "a");
        if (policy.Symmetrize) Guard.Finite(a, op, "a");
        else Cholesky.RequireFiniteLower(a, op, "a");

        int n = a.Rows;
        var target = new Matrix<T>(n, n);   // lower triangle of sym(A)
        T two = T.One + T.One, diagScale = T.Zero;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++) target[i, j] = policy.Symmetrize ? (a[i, j] + a[j, i]) / two : a[i, j];
            diagScale += T.Abs(target[i, i]);
        }
        // An all-zero diagonal gives no scale to be relative to; fall back to an absolute ε.
        diagScale = n == 0 || diagScale == T.Zero ? T.One : diagScale / T.CreateTruncating(n);

        var tried = new List<double>();
        var work = new Matrix<T>(n, n);
        T jitter = T.Zero;
        NotPositiveDefiniteException? last = null;
        for (int attempt = 0; attempt <= policy.MaxJitteredAttempts; attempt++)
        {
            if (attempt > 0)
                jitter = T.CreateTruncating(policy.InitialRelativeJitter * Math.Pow(policy.GrowthFactor, attempt - 1)) * diagScale;
            tried.Add(double.CreateTruncating(jitter));
            target.View.CopyTo(work.View);
            for (int i = 0; i < n; i++) work[i, i] += jitter;
            try
            {
                Cholesky.FactorInPlace(work.View);
            }
            catch (NotPositiveDefiniteException e)
            {
                last = e;
                continue;
            }
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) work[i, j] = T.Zero;
            return new JitteredCholesky<T>(work, jitter, attempt + 1);
        }
        throw new JitterExhaustedException(op, tried, last!.PivotIndex, last.PivotValue);
    }
}
