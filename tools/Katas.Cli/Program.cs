// `dotnet run --project tools/Katas.Cli -- <command>`; `-- --help` lists the commands, `-- <command> --help` one of them.
return Katas.Cli.KatasCli.Run(args);
