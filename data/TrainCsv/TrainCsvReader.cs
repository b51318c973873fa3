using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Katas.Data;

/// <summary>
/// Reads a train.csv with the Santander schema (ID, target, numeric features) into an IDataView with the columns
/// ML.NET's regression trainers expect by default: Label (the target) and Features (every column but ID and
/// target, in file order). Any number of feature columns works, so the real Kaggle file needs no code change.
/// </summary>
/// <remarks>
/// ML.NET's own TextLoader turns a cell it cannot parse into NaN without a word, and a model trained on that is
/// quietly wrong. This reader checks every cell first and names the file, line and column of the first bad one.
/// </remarks>
public static class TrainCsvReader
{
    public const string TargetColumn = "target";
    public const string IdColumn = "ID";

    public static IDataView Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var rows = ReadRows(path, out var featureCount);
        var schema = SchemaDefinition.Create(typeof(TrainRow));
        schema[nameof(TrainRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    public static List<TrainRow> ReadRows(string path, out int featureCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path}: the data file does not exist. Put the lesson's train.csv there, or run the kata's program once " +
                "(it writes a synthetic one with the same columns).", path);
        }

        using var reader = new StreamReader(path);
        var header = reader.ReadLine();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new InvalidDataException($"{path} is empty: expected a header line 'ID,target,<feature>,...' and then one line per row.");
        }

        var names = header.Split(',');
        var target = Array.IndexOf(names, TargetColumn);
        if (target < 0)
        {
            throw new InvalidDataException(
                $"{path} has no '{TargetColumn}' column: its header starts '{Shorten(header)}'. The kata predicts the column named " +
                $"'{TargetColumn}' (the Santander train.csv has it second, after ID).");
        }

        var id = Array.IndexOf(names, IdColumn);
        featureCount = names.Length - 1 - (id >= 0 ? 1 : 0);
        if (featureCount == 0)
        {
            throw new InvalidDataException($"{path} has no feature columns: its header is '{Shorten(header)}'.");
        }

        var rows = new List<TrainRow>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != names.Length)
            {
                throw new InvalidDataException(
                    $"{path}, line {lineNumber}: {cells.Length} cells, but the header has {names.Length} columns.");
            }

            var features = new float[featureCount];
            var next = 0;
            float label = 0;
            for (var column = 0; column < cells.Length; column++)
            {
                if (column == id)
                {
                    continue;
                }

                if (!float.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                {
                    throw new InvalidDataException(
                        $"{path}, line {lineNumber}, column '{names[column]}' (column {column + 1}): '{Shorten(cells[column])}' is not a number.");
                }

                if (column == target)
                {
                    label = value;
                }
                else
                {
                    features[next++] = value;
                }
            }

            rows.Add(new TrainRow { Label = label, Features = features });
        }

        if (rows.Count < 2)
        {
            throw new InvalidDataException($"{path} has {rows.Count} data rows under its header: a train/test split needs many more.");
        }

        return rows;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
