using System.Globalization;
using System.Text;

namespace Katas.Data;

/// <summary>
/// Writes a CSV with the schema of the Kaggle Santander Value Prediction train.csv the lesson reads: ID (9 hex
/// characters), target (a heavy-tailed float between 3e4 and 4e7), then anonymous numeric features named by 9 hex
/// characters, about 97% of the cells zero. The target depends on a few features plus noise, so tree models
/// reach a clearly positive R². Same seed and shape, same bytes, on every machine.
/// </summary>
public static class SyntheticTrainCsv
{
    public const int DefaultSeed = 20261125;

    // The signal lives in these few columns, nonzero much more often than the rest (as in the real data,
    // where a handful of columns explain most of the target).
    private const int InformativeFeatures = 20;
    private const double InformativeNonzero = 0.5;
    private const double OtherNonzero = 0.02;
    private const double MinTarget = 3e4;
    private const double MaxTarget = 4e7;

    /// <summary>
    /// Writes the file unless it is already there (a real train.csv dropped in by a teacher is never touched).
    /// Returns true if it wrote one. Safe when several processes ask at once: each writes its own temporary
    /// file and moves it into place whole.
    /// </summary>
    public static bool EnsureExists(string path, TrainCsvShape shape, int seed = DefaultSeed)
    {
        if (File.Exists(path))
        {
            return false;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Write(temporary, shape, seed);
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false; // somebody else finished first: their file has the same bytes
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static void Write(string path, TrainCsvShape shape, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shape.Rows, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(shape.Features, InformativeFeatures);

        var random = new Random(seed);
        var names = UniqueHexNames(random, shape.Features);
        var ids = UniqueHexNames(random, shape.Rows);
        var informative = Enumerable.Range(0, shape.Features).OrderBy(_ => random.Next()).Take(InformativeFeatures).ToHashSet();
        var weights = Enumerable.Range(0, shape.Features)
            .Select(column => informative.Contains(column) ? (random.NextDouble() < 0.3 ? -1 : 1) * (0.3 + random.NextDouble()) : 0)
            .ToArray();

        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        writer.Write("ID,target");
        foreach (var name in names)
        {
            writer.Write(',');
            writer.Write(name);
        }

        writer.Write('\n');
        var cells = new double[shape.Features];
        var line = new StringBuilder();
        for (var row = 0; row < shape.Rows; row++)
        {
            var score = 0.0;
            for (var column = 0; column < shape.Features; column++)
            {
                var nonzero = random.NextDouble() < (weights[column] != 0 ? InformativeNonzero : OtherNonzero);
                cells[column] = nonzero ? RoundLikeMoney(Math.Pow(10, 4 + 3 * random.NextDouble())) : 0;
                if (nonzero && weights[column] != 0)
                {
                    score += weights[column] * (Math.Log10(cells[column]) - 5.5);
                }
            }

            var logTarget = 14.5 + 0.45 * score + 0.15 * Gaussian(random);
            var target = Math.Clamp(Math.Exp(logTarget), MinTarget, MaxTarget);

            line.Clear();
            line.Append(ids[row]).Append(',').Append(Math.Round(target, 2).ToString("0.0#", CultureInfo.InvariantCulture));
            foreach (var cell in cells)
            {
                line.Append(',').Append(cell == 0 ? "0" : cell.ToString("0.0", CultureInfo.InvariantCulture));
            }

            writer.Write(line.Append('\n'));
        }
    }

    private static string[] UniqueHexNames(Random random, int count)
    {
        var names = new HashSet<string>();
        var ordered = new List<string>(count);
        while (ordered.Count < count)
        {
            var name = random.NextInt64(0, 1L << 36).ToString("x9", CultureInfo.InvariantCulture);
            if (names.Add(name) && name != "ID" && name != "target")
            {
                ordered.Add(name);
            }
        }

        return [.. ordered];
    }

    // Amounts in the real file are mostly round: 2000000.0, 150000.0.
    private static double RoundLikeMoney(double value)
    {
        var step = Math.Pow(10, Math.Floor(Math.Log10(value)) - 1);
        return Math.Round(value / step) * step;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
