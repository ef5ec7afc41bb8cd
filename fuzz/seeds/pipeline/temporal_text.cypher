RETURN localtime('中文'), time('😀'), datetime('2020-01-01T😀'), date('2015-W中'), duration('P😀D'), datetime({timezone: '中'})
