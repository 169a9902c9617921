using System.Runtime.InteropServices;

namespace RlsEdit.Benchmarks;

/// <summary>
/// P/Invoke bindings to OpenBLAS (Debian: <c>apt-get install libopenblas0-pthread</c>), the baseline every
/// benchmark quotes its ratio against. Row-major CBLAS for level 3; Fortran LAPACK (column-major, all
/// arguments by reference) for potrf — a row-major lower factor is the column-major upper one.
/// </summary>
internal static unsafe class OpenBlas
{
    private const string Lib = "libopenblas.so.0";

    public const int RowMajor = 101, NoTrans = 111, Trans = 112, Upper = 121, Lower = 122, NonUnit = 131, Unit = 132, Left = 141, Right = 142;

    private static readonly Lazy<bool> available = new(() => NativeLibrary.TryLoad(Lib, out _));

    /// <summary>True when libopenblas.so.0 can be loaded; benchmarks skip the OpenBLAS column otherwise.</summary>
    public static bool IsAvailable => available.Value;

    [DllImport(Lib)] public static extern void openblas_set_num_threads(int n);

    [DllImport(Lib)]
    public static extern void cblas_dgemm(int order, int transA, int transB, int m, int n, int k, double alpha,
        double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [DllImport(Lib)]
    public static extern void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [DllImport(Lib)]
    public static extern void cblas_dsyrk(int order, int uplo, int trans, int n, int k, double alpha,
        double* a, int lda, double beta, double* c, int ldc);

    [DllImport(Lib)]
    public static extern void cblas_dsymm(int order, int side, int uplo, int m, int n, double alpha,
        double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [DllImport(Lib)]
    public static extern void cblas_dtrsm(int order, int side, int uplo, int transA, int diag, int m, int n, double alpha,
        double* a, int lda, double* b, int ldb);

    [DllImport(Lib)] public static extern void dpotrf_(byte* uplo, int* n, double* a, int* lda, int* info);
    [DllImport(Lib)] public static extern void spotrf_(byte* uplo, int* n, float* a, int* lda, int* info);
    [DllImport(Lib)] public static extern void dpotri_(byte* uplo, int* n, double* a, int* lda, int* info);

    /// <summary>Row-major lower Cholesky in place (calls column-major 'U'); returns LAPACK's info.</summary>
    public static int PotrfLowerRowMajor(double[] a, int n)
    {
        byte uplo = (byte)'U';
        int info = 0, lda = Math.Max(1, n);
        fixed (double* p = a) dpotrf_(&uplo, &n, p, &lda, &info);
        return info;
    }

    /// <summary>Row-major lower Cholesky in place, float; returns LAPACK's info.</summary>
    public static int PotrfLowerRowMajor(float[] a, int n)
    {
        byte uplo = (byte)'U';
        int info = 0, lda = Math.Max(1, n);
        fixed (float* p = a) spotrf_(&uplo, &n, p, &lda, &info);
        return info;
    }
}
